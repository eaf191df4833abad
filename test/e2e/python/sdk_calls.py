"""The Python SDK's connected-account calls against Latchkey; prints one JSON object of outcomes.

Run by test/e2e/python-sdk.test.ts after the guide example authorized `user_123`.
"""
import json
import os
import sys

from scalekit.client import ScalekitClient
from scalekit.common.exceptions import ScalekitServerException

env = os.environ
client = ScalekitClient(env_url=env["SCALEKIT_ENV_URL"], client_id=env["SCALEKIT_CLIENT_ID"],
                        client_secret=env["SCALEKIT_CLIENT_SECRET"])
actions = client.actions
out = {}


def failure(fn):
    """The error a call raised, as {type, grpc, errorCode}; None if it succeeded."""
    try:
        fn()
    except ScalekitServerException as e:
        return {"type": type(e).__name__, "grpc": e.grpc_status.name if e.grpc_status else None,
                "errorCode": e.error_code}
    except Exception as e:  # noqa: BLE001 — reported to the test, which fails on it
        return {"type": type(e).__name__, "message": str(e)[:200]}
    return None


got = actions.get_connected_account(connection_name="airtable", identifier="user_123").connected_account
out["get"] = {"id": got.id, "identifier": got.identifier, "status": str(got.status),
              "connector": got.connector, "hasAccessToken": bool(got.authorization_details)}

listed = actions.list_connected_accounts(connection_name="airtable")
out["list"] = sorted(a.identifier for a in listed.connected_accounts)

existing = actions.get_or_create_connected_account(connection_name="airtable", identifier="user_123")
out["getOrCreateExisting"] = existing.connected_account.id
created = actions.get_or_create_connected_account(connection_name="airtable", identifier="py_new_user")
out["getOrCreateNew"] = {"id": created.connected_account.id, "status": str(created.connected_account.status)}
out["listAfterCreate"] = sorted(
    a.identifier for a in actions.list_connected_accounts(connection_name="airtable").connected_accounts)

actions.delete_connected_account(connection_name="airtable", identifier="py_new_user")
out["getDeleted"] = failure(
    lambda: actions.get_connected_account(connection_name="airtable", identifier="py_new_user"))
out["unknownConnection"] = failure(
    lambda: actions.get_authorization_link(connection_name="no_such_connection", identifier="user_123"))

try:
    ScalekitClient(env_url=env["SCALEKIT_ENV_URL"], client_id=env["SCALEKIT_CLIENT_ID"],
                   client_secret="wrong-secret")
    out["wrongSecret"] = None
except Exception as e:  # noqa: BLE001 — the constructor logs in eagerly and must refuse
    out["wrongSecret"] = {"type": type(e).__name__, "message": str(e)[:200]}

json.dump(out, sys.stdout)
print()
