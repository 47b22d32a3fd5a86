// A modal confirmation built on <dialog>, so focus and Escape behave as the platform does.
import { type ReactNode, useCallback, useEffect, useRef, useState } from 'react';

interface Ask {
  title: string;
  body: string;
  confirmLabel: string;
  resolve: (yes: boolean) => void;
}

export function useConfirm(): [ReactNode, (title: string, body: string, confirmLabel?: string) => Promise<boolean>] {
  const [ask, setAsk] = useState<Ask | null>(null);
  const ref = useRef<HTMLDialogElement>(null);

  useEffect(() => {
    const d = ref.current;
    if (ask && d && !d.open) d.showModal();
  }, [ask]);

  const close = (yes: boolean) => {
    ask?.resolve(yes);
    ref.current?.close();
    setAsk(null);
  };

  const confirm = useCallback(
    (title: string, body: string, confirmLabel = 'Confirm') =>
      new Promise<boolean>((resolve) => setAsk({ title, body, confirmLabel, resolve })),
    [],
  );

  const node = ask ? (
    <dialog ref={ref} className="confirm" aria-labelledby="confirm-title" onCancel={() => close(false)}>
      <h2 id="confirm-title">{ask.title}</h2>
      <p>{ask.body}</p>
      <div className="row end">
        <button type="button" onClick={() => close(false)}>
          Cancel
        </button>
        <button type="button" className="primary" onClick={() => close(true)}>
          {ask.confirmLabel}
        </button>
      </div>
    </dialog>
  ) : null;
  return [node, confirm];
}
