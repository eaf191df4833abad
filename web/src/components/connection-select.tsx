import { get } from '../api';
import type { ConnectionView } from '../pages/types';
import { useLoad } from './ui';

/** The "All connections" filter: a connection's id, or '' for all. Loads the connections itself. */
export function ConnectionSelect(props: { value: string; onChange: (id: string) => void }) {
  const connections = useLoad(() => get<{ connections: ConnectionView[] }>('/connections'));
  return (
    <select
      aria-label="Connection"
      value={props.value}
      onChange={(e) => props.onChange(e.currentTarget.value)}
    >
      <option value="">All connections</option>
      {(connections.data?.connections ?? []).map((c) => (
        <option value={c.id}>{c.name}</option>
      ))}
    </select>
  );
}
