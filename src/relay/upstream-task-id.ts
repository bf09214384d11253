import { z } from 'zod';

/** Where the families put a created task's id: Runway `{id}`, Kling `{data:{task_id}}`, … */
const TaskAnswerSchema = z.object({
  id: z.string().min(1).nullish(),
  task_id: z.string().min(1).nullish(),
  data: z
    .object({ id: z.string().min(1).nullish(), task_id: z.string().min(1).nullish() })
    .nullish(),
});

/** The upstream task id in a task-creating answer's JSON body, if it has one. */
export function upstreamTaskId(body: Buffer): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
  const parsed = TaskAnswerSchema.safeParse(value);
  if (!parsed.success) return undefined;
  const answer = parsed.data;
  return answer.id ?? answer.task_id ?? answer.data?.task_id ?? answer.data?.id ?? undefined;
}
