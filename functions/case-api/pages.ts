import { verifyViewToken } from '../../shared/ack/view-token';
import { createPageAct, type PageActionDeps } from './page-actions';
import { loadCasePageData, type PageDataDeps } from './page-data';
import { createPageRoutes, type PageRoutes } from './page-routes';

export interface CasePagesDeps extends Omit<PageDataDeps, 'store' | 'responses'>, PageActionDeps {
  /**
   * The ack link signing secrets (current, then previous during a rotation):
   * view tokens are signed with them. Without it every view link is refused.
   */
  linkSecrets?: () => Promise<readonly string[]>;
}

/** The case page routes (`/view/…`) wired to the case store, the response service and the link secrets. */
export function casePageRoutes(deps: CasePagesDeps): PageRoutes {
  return createPageRoutes({
    loadModel: (caseId, viewer) => loadCasePageData(deps, caseId, viewer),
    act: createPageAct(deps),
    verifyToken: async (token) => verifyViewToken(token, deps.linkSecrets ? await deps.linkSecrets() : [], deps.now()),
    now: deps.now,
  });
}
