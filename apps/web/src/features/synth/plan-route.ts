import { getPrisma } from '@tunelab/db';
import { z } from 'zod';
import { errorResponse, parseSearch } from '../../common/server/http.ts';
import { planToText } from './lib/forms.ts';
import { datasetHistogram, planForFloor } from './lib/histogram.ts';

const ZPlanQuery = z.object({
  dataset: z.string().min(1).max(64),
  floor: z.coerce.number().int().min(1).max(1000),
});

/** GET /synth/plan?dataset=&floor=: the plan that brings each bin up to the floor, into the launch form. */
export async function GET(request: Request) {
  try {
    const { dataset: id, floor } = parseSearch(request, ZPlanQuery);
    const dataset = await getPrisma().dataset.findUnique({ where: { id } });
    if (!dataset) return Response.json({ error: `Unknown dataset ${id}` }, { status: 404 });
    const plan = planForFloor(await datasetHistogram(id), floor, dataset);
    const target = new URL('/synth', request.url);
    target.searchParams.set('dataset', id);
    target.searchParams.set('plan', planToText(plan) || '# every bin already has that many rows');
    return new Response(null, { status: 303, headers: { location: `${target.pathname}${target.search}` } });
  } catch (error) {
    return errorResponse(error, 'synth');
  }
}
