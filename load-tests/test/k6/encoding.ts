/** Stand-in for `k6/encoding` under Node: standard base64 like k6's default. */
export default {
  b64encode: (input: string): string => Buffer.from(input, 'utf8').toString('base64'),
};
