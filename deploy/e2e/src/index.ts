// The end-to-end harness (the journeys live in *.e2e.test.ts next to it).
export * from './stack';
