import { Text } from 'ink';

/** Props of {@link HelpLine}. */
export interface HelpLineProps {
  readonly width: number;
  /** Budget step of `+`/`-`, requests/s. */
  readonly budgetStep: number;
}

/** The keys, spelled out when there is room and abbreviated when there is not. */
export function HelpLine({ width, budgetStep }: HelpLineProps) {
  const choices = [
    `q quit · p pause/resume queue · ↑↓ select queue · +/- budget ±${budgetStep} req/s · tab next workspace · d dead-letter samples · b pause/resume bulk · x cancel bulk · [/] bulk floor · {/} bulk ceiling`,
    `q quit · p pause/resume queue · ↑↓ select queue · +/- budget ±${budgetStep} req/s · tab next workspace · d dead-letter samples · b/x bulk`,
    'q quit · p pause · ↑↓ queue · +/- budget · tab workspace · d dead letters',
    'q quit · p pause · +/- budget · tab · d',
    'q p ↑↓ +/- tab d',
  ];
  const text = choices.find((choice) => choice.length <= width) ?? choices[choices.length - 1];
  return <Text dimColor>{text}</Text>;
}
