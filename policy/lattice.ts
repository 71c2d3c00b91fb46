/** Rules of the VPC Lattice data plane. */
import { list, MeshPolicy, policyDocument, resourcePolicy, stackPolicy } from "./helpers";

const SERVICE = "aws:vpclattice/service:Service";

export const latticePolicies: MeshPolicy[] = [
  resourcePolicy({ name: "lattice-auth-iam", upstream: "AWS VPC Lattice user guide (auth policies)", enforcementLevel: "advisory", checks: "Lattice services authenticate callers with IAM (AWS_IAM auth type)" },
    [SERVICE, "aws:vpclattice/serviceNetwork:ServiceNetwork"], (p, v) => {
      if (p.authType !== "AWS_IAM") v(`authType is ${p.authType ?? "NONE"}; set lattice.auth: iam so that only declared callers' task roles may invoke it (callers then sign with SigV4)`);
    }),
  stackPolicy({ name: "lattice-access-logs", upstream: "AWS VPC Lattice user guide (access logs); CKV_AWS_91 in spirit", enforcementLevel: "mandatory", checks: "every Lattice service writes access logs" },
    (all, report) => {
      const targets = all.filter((r) => r.type === "aws:vpclattice/accessLogSubscription:AccessLogSubscription").map((r) => r.props.resourceIdentifier);
      const services = all.filter((r) => r.type === SERVICE);
      // A subscription names its service by ARN: known once deployed, or marked with the
      // service's name by the offline plan. While neither is known, count them instead.
      const known = targets.filter((t): t is string => typeof t === "string");
      const logs = (s: (typeof services)[number]) => known.some((t) => t === s.props.arn || t.includes(`{unknown:${s.name}.`));
      if (known.length === targets.length) { for (const s of services) if (!logs(s)) report("add an access log subscription (aws.vpclattice.AccessLogSubscription) for this service", s.urn); }
      else if (targets.length < services.length) report(`${services.length} Lattice services but ${targets.length} access log subscriptions; give each service one`);
    }),
  stackPolicy({ name: "lattice-no-public-exposure", upstream: "AWS VPC Lattice user guide (sharing, resource policies)", enforcementLevel: "mandatory", checks: "Lattice services and service networks are not shared with everyone" },
    (all, report) => {
      for (const r of all) {
        if (r.type === "aws:ram/principalAssociation:PrincipalAssociation" && /^\d{12}$/.test(String(r.props.principal)) === false && !String(r.props.principal).startsWith("arn:"))
          report(`shares resources with ${r.props.principal}; share the service network with named accounts only`, r.urn);
        if (r.type === "aws:vpclattice/resourcePolicy:ResourcePolicy")
          for (const s of list<any>(policyDocument(r.props.policy)?.Statement))
            if (s.Effect === "Allow" && (s.Principal === "*" || list(s.Principal?.AWS).includes("*"))) report("allows Principal *; name the accounts or roles", r.urn);
      }
    }),
];
