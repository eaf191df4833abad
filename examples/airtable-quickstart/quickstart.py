import os

from scalekit.client import ScalekitClient

scalekit = ScalekitClient(
    env_url=os.environ["SCALEKIT_ENV_URL"],
    client_id=os.environ["SCALEKIT_CLIENT_ID"],
    client_secret=os.environ["SCALEKIT_CLIENT_SECRET"],
)
actions = scalekit.actions

connector = "airtable"
identifier = "user_123"

# Generate an authorization link for the user
link_response = actions.get_authorization_link(connection_name=connector, identifier=identifier)
print("Authorize Airtable:", link_response.link, flush=True)
input("Press Enter after authorizing...")

# Make your first API call through the proxy
result = actions.request(
    connection_name=connector,
    identifier=identifier,
    path="/v0/meta/whoami",
    method="GET",
)
print(result.json())
