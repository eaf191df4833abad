import { oauthProvider } from './define.js';
import { GOOGLE_IDENTITY_SCOPES, GOOGLE_OAUTH, googleSetup } from './google-shared.js';

/** Google Calendar API. Scopes: https://developers.google.com/workspace/calendar/api/auth */
export const googleCalendar = oauthProvider({
  ...GOOGLE_OAUTH,
  key: 'google-calendar',
  displayName: 'Google Calendar',
  apiBaseUrl: 'https://www.googleapis.com',
  scopes: [
    [
      'https://www.googleapis.com/auth/calendar',
      'See, edit, share, and permanently delete all the calendars you can access',
    ],
    ['https://www.googleapis.com/auth/calendar.readonly', 'See and download any calendar you can access'],
    ['https://www.googleapis.com/auth/calendar.events', 'View and edit events on all your calendars'],
    ['https://www.googleapis.com/auth/calendar.events.readonly', 'View events on all your calendars'],
    ...GOOGLE_IDENTITY_SCOPES,
  ],
  defaultScopes: ['https://www.googleapis.com/auth/calendar.readonly'],
  rateLimits: [
    { limit: 600, windowSec: 60, per: 'user per project', note: 'default quota; adjustable in the console' },
  ],
  checkCall: { method: 'GET', path: '/calendar/v3/users/me/calendarList?maxResults=1' },
  setup: googleSetup('Google Calendar API'),
});
