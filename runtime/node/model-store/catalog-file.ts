import { readFileSync } from 'node:fs';
import { UsageError, messageOf } from '../../errors.ts';
import { builtInCatalog, catalogEntry, mergeCatalogs, parseCatalog, type Catalog, type CatalogEntry } from '../../models/catalog.ts';

/** An extra catalog (a mirror's URLs, a test's files): its entries add to the built-in ones or replace them by id. */
export const extraCatalogVariable = 'VIVIFY_MODEL_CATALOG';

/** The built-in catalog with VIVIFY_MODEL_CATALOG's entries merged in; read on each call, as it is small. */
export function loadCatalog(): Catalog {
  const path = process.env[extraCatalogVariable];
  if (!path) return builtInCatalog;
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`${path} (from ${extraCatalogVariable}) cannot be read as a JSON model catalog: ${messageOf(error)}`);
  }
  return mergeCatalogs(builtInCatalog, parseCatalog(data, `${path} (from ${extraCatalogVariable})`));
}

/** The catalog entry with this id, or a UsageError that lists the ids there are. */
export function findModel(id: string, catalog: Catalog = loadCatalog()): CatalogEntry {
  const entry = catalogEntry(id, catalog);
  if (entry) return entry;
  const known = catalog.models.map((model) => model.id).join(', ');
  throw new UsageError(`unknown model "${id}": the catalog has ${known || 'no models'} (vivify models list describes them)`);
}
