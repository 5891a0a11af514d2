export { seededRandom } from '../../runtime/seeded-random.ts';
