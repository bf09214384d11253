import { useState } from 'preact/hooks';
import { apiRequest } from '../api/api-client.js';
import type { ProviderInstance, Rollout } from '../api/api-types.js';
import { navigate } from '../router.js';

/** The runbook's plan: 10 % for an hour, 50 % for three hours, then 100 %. */
const defaultStages = '0.1:3600, 0.5:10800, 1:0';

function parseStages(text: string): { weight: number; minDurationSeconds: number }[] {
  return text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const [weight, seconds] = part.split(':').map((value) => Number(value.trim()));
      if (weight === undefined || seconds === undefined || Number.isNaN(weight + seconds))
        throw new Error(`stage “${part}” is not weight:seconds`);
      return { weight, minDurationSeconds: seconds };
    });
}

/** Starts a rollout; guardrails keep the gateway's defaults (rollouts.defaults). */
export function StartRolloutForm(props: { providers: ProviderInstance[] }) {
  const ids = props.providers.map((provider) => provider.id);
  const [baseline, setBaseline] = useState(ids[0] ?? '');
  const [canary, setCanary] = useState(ids[1] ?? '');
  const [model, setModel] = useState('');
  const [stages, setStages] = useState(defaultStages);
  const [interval, setIntervalSeconds] = useState('30');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const models = [...new Set(props.providers.flatMap((provider) => provider.models))].sort();

  return (
    <form
      class="card"
      aria-labelledby="start-rollout-title"
      onSubmit={async (event) => {
        event.preventDefault();
        setBusy(true);
        setError(undefined);
        try {
          const rollout = await apiRequest<Rollout>('/admin/rollouts', {
            method: 'POST',
            body: {
              baseline,
              canary,
              ...(model ? { model } : {}),
              stages: parseStages(stages),
              intervalSeconds: Number(interval),
              ...(reason ? { reason } : {}),
            },
          });
          navigate(`/rollouts/${rollout.id}`);
        } catch (caught) {
          setError(caught instanceof Error ? caught.message : String(caught));
        } finally {
          setBusy(false);
        }
      }}
    >
      <h2 id="start-rollout-title">Start a rollout</h2>
      <div class="form-grid form-grid-two">
        <label for="rollout-baseline">Baseline</label>
        <select
          id="rollout-baseline"
          value={baseline}
          onChange={(event) => setBaseline(event.currentTarget.value)}
        >
          {ids.map((id) => (
            <option key={id}>{id}</option>
          ))}
        </select>
        <label for="rollout-canary">Canary</label>
        <select
          id="rollout-canary"
          value={canary}
          onChange={(event) => setCanary(event.currentTarget.value)}
        >
          {ids.map((id) => (
            <option key={id}>{id}</option>
          ))}
        </select>
        <label for="rollout-model">Model</label>
        <select
          id="rollout-model"
          value={model}
          onChange={(event) => setModel(event.currentTarget.value)}
        >
          <option value="">all models</option>
          {models.map((id) => (
            <option key={id}>{id}</option>
          ))}
        </select>
        <label for="rollout-stages">Stages (weight:seconds)</label>
        <input
          id="rollout-stages"
          value={stages}
          onInput={(event) => setStages(event.currentTarget.value)}
        />
        <label for="rollout-interval">Evaluate every (s)</label>
        <input
          id="rollout-interval"
          type="number"
          min="0.2"
          step="0.1"
          value={interval}
          onInput={(event) => setIntervalSeconds(event.currentTarget.value)}
        />
        <label for="rollout-reason">Reason</label>
        <input
          id="rollout-reason"
          value={reason}
          onInput={(event) => setReason(event.currentTarget.value)}
        />
      </div>
      <p class="muted small">
        Guardrails, windows and sample minimums are the gateway's (config rollouts.defaults).
      </p>
      <div class="form-actions">
        <button type="submit" class="button button-primary" disabled={busy || baseline === canary}>
          Start rollout
        </button>
        {baseline === canary && <span class="error-text">Baseline and canary must differ.</span>}
        {error && (
          <span class="error-text" role="alert">
            {error}
          </span>
        )}
      </div>
    </form>
  );
}
