import { Box, Text } from 'ink';

/** Props of {@link WorkspaceTabs}. */
export interface WorkspaceTabsProps {
  readonly names: readonly string[];
  readonly selected: string | undefined;
}

/** The workspaces, the selected one in inverse video; tab moves the selection. */
export function WorkspaceTabs({ names, selected }: WorkspaceTabsProps) {
  return (
    <Box gap={1} flexWrap="wrap">
      <Text dimColor>workspace</Text>
      {names.map((name) => (
        <Text key={name} inverse={name === selected} bold={name === selected}>
          {` ${name} `}
        </Text>
      ))}
    </Box>
  );
}
