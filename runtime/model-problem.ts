/**
 * Why a graph cannot use a model here, as both hosts answer it: the CLI prints `message`; the editor marks the node
 * that needs the model with the remedy. Host-agnostic: the store (Node) writes these, the page reads them from its
 * server.
 */

/**
 * How a missing model is got: downloaded (`vivify models pull`), made on this machine (`vivify train`), converted or
 * copied from files the user has (`vivify models import`); unknown where no catalog knows it and nothing makes it.
 */
export type ModelRemedy = 'pull' | 'train' | 'import' | 'unknown';

export interface ModelProblem {
  model: string;
  /** One sentence, with the command that fixes it: what the CLI prints. */
  message: string;
  remedy: ModelRemedy;
  /** The command that gets it (placeholders in <>), where there is one. */
  command?: string;
}

/** A model a node needs, and what for (the catalog's task, as "faceswap"), which says how one is made. */
export interface ModelNeed {
  model: string;
  task?: string;
}
