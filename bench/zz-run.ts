import { benchAliasMatch } from './alias-bench.js';
console.log(await benchAliasMatch());
