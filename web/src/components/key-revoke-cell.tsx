import { apiRequest } from '../api/api-client.js';
import { ActionButton } from './action-button.js';
import { Badge } from './badge.js';

/** The last cell of a key row: "revoked", or the button that revokes the key and reloads. */
export function KeyRevokeCell(props: {
  apiKey: { id: string; name?: string | null; revoked_at?: string | null };
  onRevoked: () => void;
}) {
  const { apiKey } = props;
  return (
    <td>
      {apiKey.revoked_at ? (
        <Badge value="revoked" tone="bad" />
      ) : (
        <ActionButton
          variant="danger"
          label={`Revoke key ${apiKey.name ?? apiKey.id}`}
          action={async () => {
            await apiRequest(`/admin/keys/${encodeURIComponent(apiKey.id)}`, { method: 'DELETE' });
            props.onRevoked();
          }}
        >
          Revoke
        </ActionButton>
      )}
    </td>
  );
}
