import { readFileSync } from 'node:fs';
import { UsageError, messageOf } from '../../runtime/errors.ts';
import { builtInCatalog, catalogEntry, mergeCatalogs, parseCatalog, type Catalog, type CatalogEntry } from '../catalog.ts';
import { readLocalCatalog } from './local-catalog.ts';
import { resolveModelsDir } from './store-location.ts';

/** An extra catalog (a mirror's URLs, a test's files): its entries add to the built-in ones or replace them by id. */
export const extraCatalogVariable = 'VIVIFY_MODEL_CATALOG';

/**
 * The built-in catalog, with VIVIFY_MODEL_CATALOG's entries merged in, then the models made on this machine that the
 * store's own catalog lists (`<store>/catalog.local.json`, written by `vivify train`). Read on each call: both are small.
 */
export function loadCatalog(storeDir: string = resolveModelsDir()): Catalog {
  let catalog = builtInCatalog;
  const path = process.env[extraCatalogVariable];
  if (path) {
    let data: unknown;
    try {
      data = JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      throw new UsageError(`${path} (from ${extraCatalogVariable}) cannot be read as a JSON model catalog: ${messageOf(error)}`);
    }
    catalog = mergeCatalogs(catalog, parseCatalog(data, `${path} (from ${extraCatalogVariable})`));
  }
  const local = readLocalCatalog(storeDir);
  return local ? mergeCatalogs(catalog, local) : catalog;
}

/** The catalog entry with this id, or a UsageError that lists the ids there are. */
export function findModel(id: string, catalog: Catalog = loadCatalog()): CatalogEntry {
  const entry = catalogEntry(id, catalog);
  if (entry) return entry;
  const known = catalog.models.map((model) => model.id).join(', ');
  throw new UsageError(`unknown model "${id}": the catalog has ${known || 'no models'} (vivify models list describes them)`);
}
