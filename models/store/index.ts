/**
 * The model store (Node): large ONNX weights that cannot ship with Vivify, fetched with `vivify models pull` or
 * imported from files at hand, each checked against the catalog before anything opens it. Layout: `<store>/<id>/<file>`,
 * `<file>.part` while downloading, `models.lock.json` recording every file's hash and origin, `catalog.local.json`
 * listing the models trained on this machine.
 */
export { extraCatalogVariable, findModel, loadCatalog } from './catalog-file.ts';
export { importModel } from './import-files.ts';
export type { ImportResult, ImportedFile } from './import-result.ts';
export {
  forgetLocalModel,
  localCatalogName,
  localCatalogPath,
  localModelIdProblem,
  readLocalCatalog,
  registerLocalModel,
  type LocalModel,
  type LocalModelFile,
} from './local-catalog.ts';
export { readLock, type LockedFile, type ModelLock } from './lock-file.ts';
export { findModelProblem, modelProblem, modelState, type FileState, type InstallState, type ModelState } from './model-state.ts';
export { catalogModelWay, unknownModelWay, type ModelWay } from './model-remedy.ts';
export { modelAliases, resolveModelAlias, type ModelNeed } from './model-alias.ts';
export { pullModel } from './pull.ts';
export { pullReporter, type PullEvents, type PulledFile } from './pull-progress.ts';
export { removeModel } from './remove.ts';
export { lockFileName, modelFilePath, modelFolder, resolveModelsDir, storeOption } from './store-location.ts';
export { verifyModel, type FileCheck } from './verify.ts';
