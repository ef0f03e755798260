#!/usr/bin/env bash
# Manual offboarding runbook, for the leavers the nightly sweep could not process.
# Usage: KHOROS_SESSION_KEY=… SECURID_TOKEN=… ./offboard-runbook.sh <email> <khoros-id> <securid-id> <janrain-uuid>
set -euo pipefail

EMAIL="$1"
KHOROS_ID="$2"
SECURID_ID="$3"
JANRAIN_UUID="$4"

KHOROS_BASE="https://community.acme.com"
SECURID_BASE="https://acme.access.securid.com/AdminInterface/restapi/v1"

echo "== Khoros: close the community account"
curl -sS --fail -X DELETE "$KHOROS_BASE/api/2.0/users/$KHOROS_ID" \
  -H "li-api-session-key: $KHOROS_SESSION_KEY"

echo "== 360Learning: remove from the leavers group, then delete"
curl -sS --fail -X DELETE \
  "https://acme.360learning.com/api/v1/groups/$LEAVERS_GROUP/users/$EMAIL?company=$LEARNING360_COMPANY&apiKey=$LEARNING360_API_KEY"

echo "== SecurID: disable, then mark for deletion"
curl -sS --fail -X PUT "$SECURID_BASE/users/$SECURID_ID/userStatus" \
  -H "Authorization: Bearer $SECURID_TOKEN" \
  -H 'Content-Type: application/json' \
  -d '{"userStatus": "Disabled"}'
curl -sS --fail -X POST "$SECURID_BASE/users/$SECURID_ID/markDeleted" \
  -H "Authorization: Bearer $SECURID_TOKEN" \
  -H 'Content-Type: application/json' \
  -d '{"markDeleted": true"}'

echo "== Janrain: delete the customer profile"
curl -sS --fail -G "https://acme.us.janraincapture.com/entity.delete" \
  -u "$JANRAIN_CLIENT_ID:$JANRAIN_CLIENT_SECRET" \
  --data-urlencode "type_name=user" \
  --data-urlencode "uuid=$JANRAIN_UUID"

echo "== Bitbucket: remove the SSH keys (not a vendor this runbook migrates)"
curl -sS --fail -X DELETE "https://bitbucket.acme.com/rest/ssh/1.0/keys?user=$EMAIL" \
  -H "Authorization: Bearer $BITBUCKET_TOKEN"
