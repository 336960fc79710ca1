import { from, of } from 'rxjs';
import { createEnvelope, deliver, identify, batchOperations, type Envelope } from './src/index.js';
const N = 1_000_000;
const envs: Envelope<number>[] = [];
for (let i = 0; i < N; i++) envs.push(createEnvelope(identify(`user-${i}`, { email: `user${i}@example.com`, plan: 'pro', seats: i % 50 }), { source: i, producedAt: 0 }));
function run(label: string, f: () => void) { const s = performance.now(); f(); console.log(label, Math.round(N / (performance.now() - s) * 1000).toLocaleString(), 'ops/s'); }
for (let k = 0; k < 2; k++) {
run('batchOperations only', () => { let n = 0; from(envs).pipe(batchOperations()).subscribe(() => n++); });
run('deliver', () => { let n = 0; deliver(from(envs), { transport: () => of({ status: 200, errors: [] }) }).subscribe(() => n++); });
}
