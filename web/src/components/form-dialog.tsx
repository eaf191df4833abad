import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { errorText } from '../api';
import { Dialog, DialogButtons, Notice } from './ui';

/**
 * A dialog around one form (`<id>-form`), with Cancel and the submit button in its footer. The
 * button is disabled while `onSubmit` runs; when it fails, its message shows above the fields
 * (below `intro`), and the dialog stays open.
 */
export function FormDialog(props: {
  id: string;
  title: string;
  submitLabel: string;
  onClose: () => void;
  onSubmit: () => Promise<void>;
  intro?: ComponentChildren;
  children: ComponentChildren;
}) {
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const form = `${props.id}-form`;
  return (
    <Dialog
      id={props.id}
      title={props.title}
      onClose={props.onClose}
      footer={
        <DialogButtons onCancel={props.onClose}>
          <button type="submit" form={form} class="primary" disabled={busy}>
            {props.submitLabel}
          </button>
        </DialogButtons>
      }
    >
      <form
        id={form}
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          setError(undefined);
          try {
            await props.onSubmit();
          } catch (err) {
            setError(errorText(err));
          } finally {
            setBusy(false);
          }
        }}
      >
        {props.intro}
        {error && <Notice tone="error">{error}</Notice>}
        {props.children}
      </form>
    </Dialog>
  );
}
