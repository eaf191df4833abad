import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';

/** Copies `text`; the Clipboard API where allowed, else a hidden selection. */
async function copyText(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    const area = document.createElement('textarea');
    area.value = text;
    document.body.append(area);
    area.select();
    document.execCommand('copy');
    area.remove();
  }
}

export function CopyButton(props: { text: string; label?: string; id?: string }) {
  const [done, setDone] = useState(false);
  return (
    <button
      type="button"
      id={props.id}
      onClick={async () => {
        await copyText(props.text);
        setDone(true);
        setTimeout(() => setDone(false), 1500);
      }}
    >
      {done ? 'Copied' : (props.label ?? 'Copy')}
    </button>
  );
}

/** A read-only value with a copy button, labelled. */
export function CopyField(props: { id: string; label: string; value: string; hint?: string }) {
  return (
    <>
      <label for={props.id}>
        {props.label} {props.hint && <span class="hint">— {props.hint}</span>}
      </label>
      <div class="copy-row">
        <input id={props.id} type="text" readOnly value={props.value} class="mono" />
        <CopyButton text={props.value} id={`${props.id}-copy`} label="Copy" />
      </div>
    </>
  );
}

const TONES: Record<string, string> = {
  ACTIVE: 'ok',
  EXPIRED: 'bad',
  DISCONNECTED: 'idle',
  PENDING_AUTH: 'warn',
  PENDING_VERIFICATION: 'warn',
};

export function StatusBadge({ status }: { status: string }) {
  return <span class={`badge ${TONES[status] ?? 'idle'}`}>{status}</span>;
}

export function Badge(props: { tone: 'ok' | 'warn' | 'bad' | 'idle'; children: ComponentChildren }) {
  return <span class={`badge ${props.tone}`}>{props.children}</span>;
}

/** A modal `<dialog>`: focus trapped and Escape handled by the browser; `onClose` on any close. */
export function Dialog(props: {
  title: string;
  onClose: () => void;
  children: ComponentChildren;
  footer?: ComponentChildren;
  id?: string;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
  }, []);
  return (
    <dialog ref={ref} id={props.id} aria-labelledby={`${props.id ?? 'dialog'}-title`} onClose={props.onClose}>
      <header>
        <h2 id={`${props.id ?? 'dialog'}-title`}>{props.title}</h2>
      </header>
      <div class="dialog-body">{props.children}</div>
      {props.footer && <footer>{props.footer}</footer>}
    </dialog>
  );
}

/** A dialog's footer buttons: Cancel (it closes the dialog), then the dialog's action, if any. */
export function DialogButtons(props: { onCancel: () => void; children?: ComponentChildren }) {
  return (
    <>
      <button type="button" onClick={props.onCancel}>
        Cancel
      </button>
      {props.children}
    </>
  );
}

/** "Are you sure?" with the consequence spelled out. */
export function Confirm(props: {
  title: string;
  message: string;
  action: string;
  onConfirm: () => Promise<void> | void;
  onClose: () => void;
}) {
  const [busy, setBusy] = useState(false);
  return (
    <Dialog
      id="confirm"
      title={props.title}
      onClose={props.onClose}
      footer={
        <DialogButtons onCancel={props.onClose}>
          <button
            type="button"
            class="danger solid"
            disabled={busy}
            onClick={async () => {
              setBusy(true);
              try {
                await props.onConfirm();
              } finally {
                setBusy(false);
                props.onClose();
              }
            }}
          >
            {props.action}
          </button>
        </DialogButtons>
      }
    >
      <p>{props.message}</p>
    </Dialog>
  );
}

export function Notice(props: { tone?: 'error' | 'info' | 'ok'; children: ComponentChildren }) {
  return (
    <div
      class={`notice ${props.tone === 'ok' ? '' : (props.tone ?? '')}`}
      role={props.tone === 'error' ? 'alert' : 'status'}
    >
      {props.children}
    </div>
  );
}

export function PageHead(props: { title: string; intro?: string; children?: ComponentChildren }) {
  return (
    <div class="page-head">
      <div>
        <h1>{props.title}</h1>
        {props.intro && <p>{props.intro}</p>}
      </div>
      {props.children && <div class="actions">{props.children}</div>}
    </div>
  );
}

/** Runs `load` on mount and whenever `deps` change; `reload()` re-runs it. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[] = []) {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    load().then(
      (d) => {
        if (!live) return;
        setData(d);
        setError(undefined);
      },
      (e: Error) => {
        if (live) setError(e.message);
      },
    );
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  return { data, error, reload: () => setTick((t) => t + 1) };
}
