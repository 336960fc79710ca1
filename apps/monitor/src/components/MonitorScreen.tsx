import { Box, Text } from 'ink';
import type { MonitorView } from '../model/view.js';
import { BudgetPanel } from './BudgetPanel.js';
import { DeadLetterPanel } from './DeadLetterPanel.js';
import { GatewayPanel } from './GatewayPanel.js';
import { Header } from './Header.js';
import { HelpLine } from './HelpLine.js';
import { LanesPanel } from './LanesPanel.js';
import { QueuePanel } from './QueuePanel.js';
import { Rule } from './Rule.js';
import { ThroughputPanel } from './ThroughputPanel.js';
import { WorkersPanel } from './WorkersPanel.js';
import { WorkspaceTabs } from './WorkspaceTabs.js';

/** Props of {@link MonitorScreen}. */
export interface MonitorScreenProps {
  /** `undefined` until the first reading. */
  readonly view: MonitorView | undefined;
  /** Name of the selected workspace; the first one when unknown. */
  readonly selected: string | undefined;
  readonly selectedShard: number;
  readonly showDeadLetters: boolean;
  /** Terminal columns. */
  readonly width: number;
  readonly budgetStep: number;
}

/**
 * The whole screen for one view — a pure function of its props, so a test feeds it a view and reads the
 * frame. Sections: header, workspace tabs, throughput, budget, queues, dead letter, workers, keys.
 */
export function MonitorScreen({ view, selected, selectedShard, showDeadLetters, width, budgetStep }: MonitorScreenProps) {
  if (!view) return <Text dimColor>cioscale monitor: reading Redis…</Text>;
  const workspace = view.workspaces.find((candidate) => candidate.name === selected) ?? view.workspaces[0];
  return (
    <Box flexDirection="column" width={width}>
      <Header view={view} width={width} />
      {view.workspaces.length > 0 && <WorkspaceTabs names={view.workspaces.map((candidate) => candidate.name)} selected={workspace?.name} />}
      {workspace ? (
        <>
          <Rule title={`throughput · ${workspace.name} · ${workspace.workers} worker(s), ${workspace.inFlight.toLocaleString('en-US')} in flight`} width={width} />
          <ThroughputPanel workspace={workspace} width={width} />
          <BudgetPanel workspace={workspace} at={view.at} width={width} />
          <LanesPanel reading={workspace.reading} />
          <Rule title="queue" width={width} />
          <QueuePanel workspace={workspace} selectedShard={selectedShard} width={width} />
          <GatewayPanel gateways={view.gateways ?? []} workspace={workspace.name} />
          <DeadLetterPanel deadLetters={workspace.reading.deadLetters} showSamples={showDeadLetters} width={width} />
        </>
      ) : (
        view.connected && <Text dimColor>no workspace: start a worker, or pass --workspace</Text>
      )}
      <Rule title={`workers (${view.workers.length})`} width={width} />
      <WorkersPanel workers={view.workers} width={width} />
      <HelpLine width={width} budgetStep={budgetStep} />
    </Box>
  );
}
