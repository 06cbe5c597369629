import fc from 'fast-check';

/** Mapping keys, plain and odd (quoting, indicators, numbers, a merge key). */
export const yamlKeys = fc.oneof(
  fc.constantFrom('a', 'f:spec', 'k:{"name":"app"}', '.', 'v:"x"', 'with space', 'null', '1', 'key:', '-x', '#c', '<<'),
  fc.string({ maxLength: 6 }),
);

/** Scalars, with those the YAML writers quote, fold or escape, and those a YAML parser reads as other types. */
export const yamlScalars = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    'null',
    'true',
    'False',
    '~',
    '12',
    '-0',
    '007',
    '1.5',
    '1e3',
    '0x1f',
    '.inf',
    'a #b',
    'a: b',
  ),
  fc.constantFrom('x:', '- q', "it's", 'tab\there', 'multi\nline', 'trail ', ' lead', '"q"', '\\', 'üñí', '\u2028'),
  fc.constantFrom('a\n', 'a\n\n', ' a\nb', 'a\n\n# b\n  c', '\n', 'x\r\ny', 'a\t\nb '),
  fc.string({ maxLength: 8 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
);

/** Nested mappings and sequences of those keys and scalars. */
export const yamlValues = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small' }, yamlScalars, tie('list'), tie('map')),
  list: fc.array(tie('node'), { maxLength: 4 }),
  map: fc.dictionary(yamlKeys, tie('node'), { maxKeys: 4 }),
}));
