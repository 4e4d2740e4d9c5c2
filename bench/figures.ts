// One benchmark figure: a value with its unit and the baseline measured in the same run.
export interface Figure {
  name: string;
  value: number;
  unit: string;
  baseline: number;
  baselineName: string;
}

export function ratio(figure: Figure): number {
  return figure.baseline ? Number((figure.value / figure.baseline).toFixed(2)) : Number.NaN;
}
