const tones: Record<string, string> = {
  ok: 'good',
  closed: 'good',
  pass: 'good',
  succeeded: 'good',
  completed: 'good',
  active: 'info',
  running: 'info',
  submitted: 'info',
  queued: 'muted',
  inconclusive: 'muted',
  disabled: 'muted',
  unknown: 'muted',
  canceled: 'muted',
  paused: 'warn',
  half_open: 'warn',
  warning: 'warn',
  open: 'bad',
  breach: 'bad',
  worse: 'bad',
  no_evidence: 'good',
  failed: 'bad',
  rolled_back: 'bad',
  exhausted: 'bad',
  critical: 'bad',
  info: 'info',
};

/** A status word in a coloured pill; the word itself carries the meaning, not the colour. */
export function Badge(props: { value: string; tone?: string }) {
  const tone = props.tone ?? tones[props.value] ?? 'muted';
  return <span class={`badge badge-${tone}`}>{props.value.replace(/_/g, ' ')}</span>;
}
