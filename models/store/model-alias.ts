import { catalogEntry } from '../catalog.ts';
import { loadCatalog } from './catalog-file.ts';
import { readLocalCatalog } from './local-catalog.ts';

/**
 * A default model id that names a family, not a model: the swap preset's "deepfakes", where `vivify train deepfakes`
 * registers deepfakes-<folder>. Such an id stands for the family's model registered here most recently, so a preset
 * left at its default runs with what the user just trained instead of failing on a model nobody makes.
 */

/** What the model is needed for: the catalog's task (checks), or the file to open (openModel knows only that). */
export interface ModelNeed {
  task?: string;
  file?: string;
}

/**
 * The id `id` stands for: `id` itself where a catalog knows it or no model of the family is registered here; else the
 * newest local model whose id is `<id>-...` and that fits `need` (the local catalog lists them in the order they
 * were registered, a model trained again moving to the end).
 */
export function resolveModelAlias(storeDir: string, id: string, need: ModelNeed = {}): string {
  if (catalogEntry(id, loadCatalog(storeDir))) return id;
  const family = (readLocalCatalog(storeDir)?.models ?? []).filter(
    (model) =>
      model.id.startsWith(`${id}-`) && (need.task === undefined || model.task === need.task) && (need.file === undefined || model.files.some((file) => file.name === need.file)),
  );
  return family.at(-1)?.id ?? id;
}

/** resolveModelAlias for a host: tells `note` once per id which model it stands for. */
export function modelAliases(storeDir: string, note: (message: string) => void): (id: string, need?: ModelNeed) => string {
  const told = new Set<string>();
  return (id, need) => {
    const resolved = resolveModelAlias(storeDir, id, need);
    if (resolved !== id && !told.has(`${id}\0${resolved}`)) {
      told.add(`${id}\0${resolved}`);
      note(`no model is called "${id}"; using "${resolved}", the ${id} model trained here most recently (--set <node>.model=<id> on the node that reads it chooses another: vivify models list)`);
    }
    return resolved;
  };
}
