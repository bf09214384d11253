/** Display helpers: every figure the API may leave null shows as an en dash. */
const dash = '–';

export function percent(value: number | null | undefined, digits = 0): string {
  return value === null || value === undefined ? dash : `${(value * 100).toFixed(digits)} %`;
}

export function milliseconds(value: number | null | undefined): string {
  if (value === null || value === undefined) return dash;
  return value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${Math.round(value)} ms`;
}

export function usd(value: number | null | undefined): string {
  if (value === null || value === undefined) return dash;
  if (value === 0) return '$0';
  return `$${value < 1 ? value.toFixed(4) : value.toFixed(2)}`;
}

export function number(value: number | null | undefined, digits = 0): string {
  return value === null || value === undefined ? dash : value.toFixed(digits);
}

export function time(value: string | null | undefined): string {
  if (!value) return dash;
  const date = new Date(value);
  const sameDay = date.toDateString() === new Date().toDateString();
  return sameDay ? date.toLocaleTimeString() : date.toLocaleString();
}

export function duration(from: string | null | undefined, to: string | null | undefined): string {
  if (!from || !to) return dash;
  return milliseconds(Date.parse(to) - Date.parse(from));
}

/** A stable colour per provider, so one provider is the same colour on every chart. */
const palette = ['#2563eb', '#d97706', '#059669', '#db2777', '#7c3aed', '#0891b2', '#65a30d'];
export function colorOf(provider: string, all: readonly string[]): string {
  const index = all.indexOf(provider);
  return palette[(index < 0 ? 0 : index) % palette.length] ?? '#2563eb';
}
