import { colorOf, percent } from '../format.js';

/** Shares per provider as one stacked bar, with the figures spelled out beside it. */
export function SplitBar(props: {
  label: string;
  shares: Record<string, number>;
  providers: readonly string[];
  testId?: string;
}) {
  const entries = Object.entries(props.shares).filter(([, share]) => share > 0);
  return (
    <div class="split" data-testid={props.testId}>
      <div class="split-bar" role="img" aria-label={props.label}>
        {entries.map(([provider, share]) => (
          <span
            key={provider}
            style={{ width: `${share * 100}%`, background: colorOf(provider, props.providers) }}
          />
        ))}
      </div>
      <ul class="split-legend">
        {Object.entries(props.shares).map(([provider, share]) => (
          <li key={provider} data-provider={provider}>
            <span class="swatch" style={{ background: colorOf(provider, props.providers) }} />
            {provider} <strong>{percent(share, 1)}</strong>
          </li>
        ))}
      </ul>
    </div>
  );
}
