import { useEffect, useState } from 'preact/hooks';
import { apiRequest } from '../api/api-client.js';
import type { RoutingSettings } from '../api/api-types.js';
import { ActionButton } from '../components/action-button.js';
import { SplitBar } from '../components/split-bar.js';

function normalise(weights: Record<string, number>): Record<string, number> {
  const total = Object.values(weights).reduce((sum, weight) => sum + weight, 0);
  return Object.fromEntries(
    Object.entries(weights).map(([provider, weight]) => [provider, total ? weight / total : 0]),
  );
}

/**
 * Edits the global weights. The split they give (each weight over the sum) is drawn before
 * saving, beside the split in force, so an operator sees 3:1 means 75 %/25 %.
 */
export function WeightsEditor(props: {
  providers: string[];
  routing: RoutingSettings;
  reason: string;
  onSaved: () => void;
}) {
  const current = Object.fromEntries(
    props.providers.map((provider) => [provider, props.routing.weights?.[provider] ?? 0]),
  );
  const [draft, setDraft] = useState<Record<string, number>>(current);
  const [dirty, setDirty] = useState(false);
  const currentText = JSON.stringify(current);
  // Follows the settings in force (another operator, a rollout) until the user edits.
  useEffect(() => {
    if (!dirty) setDraft(JSON.parse(currentText) as Record<string, number>);
  }, [currentText, dirty]);
  const total = Object.values(draft).reduce((sum, weight) => sum + weight, 0);
  // Weights are relative (3:1 is 0.75:0.25): the sliders reach the largest weight in play.
  const sliderMax = Math.max(1, Math.ceil(Math.max(...Object.values(draft), 0)));

  return (
    <article class="card" aria-labelledby="weights-title">
      <h2 id="weights-title">Weights</h2>
      {props.routing.strategy !== 'weighted' && (
        <p class="muted">
          Strategy is <strong>{props.routing.strategy}</strong>: weights apply once it is
          “weighted”.
        </p>
      )}
      <div class="weights">
        {props.providers.map((provider) => (
          <div class="weight-row" key={provider}>
            <label for={`weight-${provider}`}>{provider}</label>
            <input
              type="range"
              min="0"
              max={sliderMax}
              step="0.01"
              aria-label={`${provider} weight slider`}
              value={draft[provider] ?? 0}
              onInput={(event) => {
                setDirty(true);
                setDraft({ ...draft, [provider]: Number(event.currentTarget.value) });
              }}
            />
            <input
              id={`weight-${provider}`}
              class="weight-number"
              type="number"
              min="0"
              step="0.05"
              value={draft[provider] ?? 0}
              onInput={(event) => {
                const value = Number(event.currentTarget.value);
                if (!Number.isFinite(value) || value < 0) return;
                setDirty(true);
                setDraft({ ...draft, [provider]: value });
              }}
            />
          </div>
        ))}
      </div>
      <h3>Split in force</h3>
      <SplitBar
        label="Split in force"
        shares={normalise(current)}
        providers={props.providers}
        testId="split-current"
      />
      <h3>Split after saving</h3>
      <SplitBar
        label="Split after saving"
        shares={normalise(draft)}
        providers={props.providers}
        testId="split-preview"
      />
      <div class="form-actions">
        <ActionButton
          variant="primary"
          disabled={!dirty || total <= 0}
          action={async () => {
            await apiRequest('/admin/routing/weights', {
              method: 'PUT',
              body: { weights: draft, ...(props.reason ? { reason: props.reason } : {}) },
            });
            setDirty(false);
            props.onSaved();
          }}
        >
          Save weights
        </ActionButton>
        <button
          type="button"
          class="button button-plain"
          disabled={!dirty}
          onClick={() => {
            setDirty(false);
            setDraft(current);
          }}
        >
          Reset
        </button>
        {total <= 0 && <span class="error-text">At least one weight must be above 0.</span>}
      </div>
    </article>
  );
}
