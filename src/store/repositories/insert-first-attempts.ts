/**
 * The first attempt of a job being stored, before any provider call (`submitting`, seq 1). A job
 * routed when it is created has it stored in the statement that stores the job
 * (`GenerationRepository.insertMany`): no separate write before its provider call.
 */
export interface FirstAttempt {
  id: string;
  generationId: string;
  provider: string;
  providerModelId: string;
}
