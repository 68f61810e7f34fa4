export { type LoadPackOptions, loadPack } from './pack-loader.js';
export { type RegisterOptions, type RegisterReport, registerPacks, validatePackDir } from './pack-registrar.js';
export { formatProblem, isError, type LoadedPack, type PackProblem } from './pack-types.js';
export { builtinPacksDir } from './packs-root.js';
