import { AliasMatcher } from '../aliases/matcher.js';
import { benchAliases } from './alias-bench.js';
const { aliases, commands } = benchAliases(1000);
const m = new AliasMatcher(aliases);
const t = performance.now(); let n = 0;
while (performance.now() - t < 3000) for (let i = 0; i < 100; i++) m.match(commands[n++ % commands.length]!);
console.log(n / 3);
