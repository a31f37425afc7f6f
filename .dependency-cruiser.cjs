/** Layer rules from the design card: dependencies point inward. */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment: 'domain/ imports nothing outside domain/ (no framework, no I/O, no node builtins)',
      severity: 'error',
      from: { path: '^domain/' },
      to: { pathNot: '^domain/' },
    },
    {
      name: 'application-stays-inside',
      comment: 'application/ depends on domain/ only, never on api/, integration/ or infrastructure/',
      severity: 'error',
      from: { path: '^application/' },
      to: { path: '^(api|integration|infrastructure)/' },
    },
    {
      name: 'api-talks-through-mediator',
      comment: 'api/ never reaches the adapters in integration/',
      severity: 'error',
      from: { path: '^api/' },
      to: { path: '^integration/' },
    },
    {
      name: 'adapters-do-not-know-api',
      severity: 'error',
      from: { path: '^integration/' },
      to: { path: '^api/' },
    },
    {
      name: 'infrastructure-only-composes-at-bootstrap',
      comment: 'only infrastructure/bootstrap (the composition root) may wire api/ and integration/',
      severity: 'error',
      from: { path: '^infrastructure/', pathNot: '^infrastructure/bootstrap/' },
      to: { path: '^(api|integration)/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'production-code-not-from-test',
      severity: 'error',
      from: { path: '^(domain|application|api|integration|infrastructure)/' },
      to: { path: '^test/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    moduleSystems: ['cjs', 'es6'],
  },
};
