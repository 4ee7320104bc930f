// TypeDoc plugin: with `requireExample` set (in a package's typedoc.json), every exported function and class of
// that package needs an `@example` in its doc comment. A missing one is a warning, which the docs build
// (treatWarningsAsErrors) turns into a failure; TypeDoc's own notDocumented check covers everything else.
import { Application, ParameterType, ReflectionKind } from 'typedoc';

/** @param {Application} app */
export function load(app) {
  app.options.addDeclaration({
    name: 'requireExample',
    help: 'Warn about exported functions and classes whose doc comment has no @example.',
    type: ParameterType.Boolean,
    defaultValue: false,
  });
  app.on(Application.EVENT_VALIDATE_PROJECT, (project) => {
    if (!app.options.getValue('requireExample')) return;
    for (const r of project.getReflectionsByKind(ReflectionKind.Function | ReflectionKind.Class)) {
      const comments = r.kindOf(ReflectionKind.Function) ? (r.signatures ?? []).map((s) => s.comment) : [r.comment];
      if (!comments.some((c) => c?.getTag('@example') !== undefined)) {
        app.logger.warn(`${r.getFriendlyFullName()} (${ReflectionKind.singularString(r.kind)}), defined in ${r.sources?.[0]?.fileName ?? '?'}, has no @example`);
      }
    }
  });
}
