import { getPrisma } from '@tunelab/db';
import { ComposeForm, type TComposeChoice } from './components/compose-form.tsx';
import './datasets.css';

/** /datasets/compose: a new dataset mixed from ready ones (e.g. 70 % real, 30 % synthetic). */
export async function ComposePage() {
  const datasets = await getPrisma().dataset.findMany({
    where: { status: 'ready' },
    orderBy: { createdAt: 'desc' },
    take: 200,
    select: {
      id: true,
      name: true,
      task: true,
      origin: true,
      rowCount: true,
      labelMin: true,
      labelMax: true,
      classes: true,
    },
  });
  const choices: TComposeChoice[] = datasets.map((dataset) => {
    const classes = Array.isArray(dataset.classes) ? dataset.classes.map(String) : [];
    return {
      id: dataset.id,
      name: dataset.name,
      task: dataset.task,
      origin: dataset.origin,
      rowCount: dataset.rowCount,
      labels:
        dataset.task === 'classification'
          ? `${classes.length} classes: ${classes.join(', ')}`
          : `${dataset.labelMin ?? '?'} – ${dataset.labelMax ?? '?'}`,
    };
  });
  return (
    <>
      <div className="page-head">
        <h1>Compose a dataset</h1>
        <span className="spacer" />
        <a className="button" href="/datasets">
          All datasets
        </a>
      </div>
      <ComposeForm datasets={choices} />
    </>
  );
}
