export function countVitest(report: unknown): { passed: number; failed: number; brokenFiles: string[] };
