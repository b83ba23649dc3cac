import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ChildOptions } from "./children";
import { INJECTION_TAG, ISTIO_NAMESPACE } from "./defaults";
import { RevisionPlan } from "./revisions";
import { istiodChartValue } from "./values";

/** Name of the tag's webhook configuration, as `istioctl tag set` and the istiod chart name it in istio-system. */
const injectionTagWebhookName = (tag: string) => `istio-revision-tag-${tag}`;

/** What the chart's own injection webhooks take from its values, so the tag's webhooks match them. */
export interface InjectorSettings {
  /** `sidecarInjectorWebhook.reinvocationPolicy` (chart default `Never`). */
  reinvocationPolicy: pulumi.Input<string>;
  /** `istiodRemote.injectionPath` (chart default `/inject`). */
  injectionPath: pulumi.Input<string>;
}

/** The injector settings of the istiod values the caller overrides (`pilot.*` winning, as in the chart). */
export function injectorSettings(istiodOverrides: unknown): InjectorSettings {
  const at = (path: string, chartDefault: string) =>
    (istiodChartValue(istiodOverrides, path) as pulumi.Input<string> | undefined) ?? chartDefault;
  return {
    reinvocationPolicy: at("sidecarInjectorWebhook.reinvocationPolicy", "Never"),
    injectionPath: at("istiodRemote.injectionPath", "/inject"),
  };
}

/** A webhook of the tag: the injector of `revision`, for pods that `namespaceSelector` and `objectSelector` pick. */
function webhook(prefix: string, revision: RevisionPlan, settings: InjectorSettings, selectors: object) {
  return {
    // istiod patches the CA bundle of webhooks whose name ends in `sidecar-injector.istio.io` in configurations
    // labelled with its revision (pkg/webhooks/webhookpatch.go); MeshCluster leaves `caBundle` to it.
    name: `${prefix}sidecar-injector.istio.io`,
    clientConfig: {
      service: { name: revision.release, namespace: ISTIO_NAMESPACE, path: settings.injectionPath, port: 443 },
    },
    sideEffects: "None",
    rules: [{ operations: ["CREATE"], apiGroups: [""], apiVersions: ["v1"], resources: ["pods"] }],
    failurePolicy: "Fail",
    reinvocationPolicy: settings.reinvocationPolicy,
    admissionReviewVersions: ["v1"],
    ...selectors,
  };
}

const NOT_DISABLED = { key: "sidecar.istio.io/inject", operator: "NotIn", values: ["false"] };

/**
 * The revision tag `stable`: the webhooks the istiod chart renders for a tag (templates/revision-tags-mwc.yaml), as
 * one object of MeshCluster's own rather than a Helm release's. Moving the tag to another revision is then one
 * in-place update (the Service it calls and its revision label) — no window where two releases fight over it or
 * none holds it, which moving `revisionTags` between two istiod releases would open.
 *
 * Enrolled namespaces carry `istio.io/rev=stable` and never `istio-injection`, which would take precedence.
 */
export function injectionTag(
  name: string,
  revision: RevisionPlan,
  settings: InjectorSettings,
  opts: ChildOptions,
  dependsOn: pulumi.Resource[],
): k8s.admissionregistration.v1.MutatingWebhookConfiguration {
  return new k8s.admissionregistration.v1.MutatingWebhookConfiguration(
    `${name}-injection-tag`,
    {
      metadata: {
        name: injectionTagWebhookName(INJECTION_TAG),
        labels: {
          "istio.io/tag": INJECTION_TAG,
          // The revision whose istiod keeps the CA bundle up to date; "default" for the unnamed one, as Istio says.
          "istio.io/rev": revision.label,
          app: "sidecar-injector",
          "app.kubernetes.io/managed-by": "globalmesh",
        },
      },
      webhooks: [
        webhook("rev.namespace.", revision, settings, {
          namespaceSelector: {
            matchExpressions: [
              { key: "istio.io/rev", operator: "In", values: [INJECTION_TAG] },
              { key: "istio-injection", operator: "DoesNotExist" },
            ],
          },
          objectSelector: { matchExpressions: [NOT_DISABLED] },
        }),
        webhook("rev.object.", revision, settings, {
          namespaceSelector: {
            matchExpressions: [
              { key: "istio.io/rev", operator: "DoesNotExist" },
              { key: "istio-injection", operator: "DoesNotExist" },
            ],
          },
          objectSelector: {
            matchExpressions: [NOT_DISABLED, { key: "istio.io/rev", operator: "In", values: [INJECTION_TAG] }],
          },
        }),
      ],
    },
    { ...opts, dependsOn },
  );
}
