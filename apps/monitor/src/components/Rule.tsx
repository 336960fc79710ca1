import { Text } from 'ink';

/** Props of {@link Rule}. */
export interface RuleProps {
  readonly title: string;
  readonly width: number;
}

/** A section heading drawn as a dim line: `── queue ────────`. */
export function Rule({ title, width }: RuleProps) {
  const head = `── ${title} `;
  return <Text dimColor>{head + '─'.repeat(Math.max(0, width - head.length))}</Text>;
}
