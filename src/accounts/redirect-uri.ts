/** The one place the provider callback URL is built: `<PUBLIC_URL>/sso/v1/oauth/<connection id>/callback`. */
export function redirectUriFor(publicUrl: string, connectionId: string): string {
  return `${publicUrl}/sso/v1/oauth/${connectionId}/callback`;
}
