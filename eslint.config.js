// ESLint flat config (npm run lint): typescript-eslint's strict-type-checked rules over src/, test/ and bench/.
// Prettier owns formatting, so no stylistic rules are enabled here.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'test/fixtures/'] },
  js.configs.recommended,
  tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      globals: globals.node,
      parserOptions: {
        // vitest.config.ts is in tsconfig.json's include (tests import it), so the project service finds it.
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // Numbers print exactly in messages (amounts, counts, ports); objects, nullish and any stay refused.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      // `() => res.end()` as a callback is plain; a void call used as a value elsewhere is still refused.
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
      // Off: with noUncheckedIndexedAccess every `a[i]` and regex group is `T | undefined`; `!` after the length
      // or match check states that invariant, where the rule would push toward `as T` casts or dead branches.
      '@typescript-eslint/no-non-null-assertion': 'off',
      // `const { secret: _, ...rest } = o` is how a key is left out; a parameter kept for the call's shape is `_name`.
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true, argsIgnorePattern: '^_' }],
      // Passing on a caught `unknown` as the rejection is fine; rejecting with a literal non-Error is still refused.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingUnknown: true }],
    },
  },
  {
    // Size limits for src/ (issue 15): a file over 200 lines holds more than one concern and a function over 60
    // lines more than one step. Every line counts, as `wc -l` counts them, so the limit reads the same everywhere.
    // Six parameters at most: past that a call site cannot be read without the signature (sandbox's old handle had 7).
    files: ['src/**'],
    rules: {
      'max-lines': ['error', { max: 200, skipBlankLines: false, skipComments: false }],
      'max-lines-per-function': ['error', { max: 60 }],
      'max-params': ['error', { max: 6 }],
    },
  },
  {
    files: ['test/**'],
    rules: {
      // Tests read JSON answers (command output, sandbox state, fixtures) as `any` and let expect() check their
      // shape: a wrong shape fails the assertion, which is the test's job. So the any-family rules are off here.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // Fakes of async interfaces (`sleep: async () => undefined`) are async without awaiting anything.
      '@typescript-eslint/require-await': 'off',
      // Fuzz and header tests drop keys by a computed name on purpose.
      '@typescript-eslint/no-dynamic-delete': 'off',
      // `let env: Env` set in beforeAll is undefined in afterAll when beforeAll failed: `env?.close()` is needed
      // though the type says otherwise; fuzzers also guard values whose types are wider at run time.
      '@typescript-eslint/no-unnecessary-condition': 'off',
      // Terminal-safety tests write and match escape sequences on purpose.
      'no-control-regex': 'off',
    },
  },
  {
    // Plain JavaScript (bench/, scripts/, this file) has no types to check: the type-aware rules would call every
    // value `any`, so these files get the untyped recommended and strict rules only.
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    extends: [tseslint.configs.disableTypeChecked],
  },
  {
    // A `node --require` preload is CommonJS by necessity.
    files: ['**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
