// The labelled retrieval set of `npm run bench:knowledge`: 300 documents and 60 questions, each
// with the one document that answers it. Generated from a fixed seed (the same set on every run
// and machine), so it is shipped as this generator rather than as 300 files.
//
// 100 fictional projects × 3 document kinds (project brief, budget review, vendor agreement). Each
// document states its own facts (owner, city, budget, cost centre, vendor, contract number, …)
// among paragraphs of ordinary company prose shared across documents, so every question has
// distractors: the same project's other two documents, and the same kind of document for 99
// other projects. Questions come in three styles, 20 each:
//   paraphrase  — asks for a fact in other words than the document uses ("who is accountable
//                 for …" where the brief says "is led by"): hard for exact full-text matching;
//   identifier  — names only a code that occurs in one document ("cost centre CC-4471"), in a
//                 sentence of common words: hard for bag-of-words similarity;
//   topical     — names the project and the subject in the document's own words.

export interface LabelledDocument {
  key: string;
  title: string;
  fileName: string;
  text: string;
}

export interface LabelledQuestion {
  style: "paraphrase" | "identifier" | "topical";
  question: string;
  /** The key of the document that answers it. */
  answer: string;
}

/** mulberry32: a small, fast, well-distributed 32-bit PRNG (deterministic per seed). */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CODENAMES = (
  "Kestrel Juniper Halcyon Obsidian Marigold Tamarack Cobalt Sierra Lantern Meridian Quarry Willow Saffron Beacon Tundra " +
  "Harbor Falcon Cypress Ember Glacier Orchid Pinnacle Riverstone Summit Thistle Valence Zephyr Aurora Bramble Citadel " +
  "Driftwood Evergreen Foxglove Granite Heron Ironwood Jasper Kingfisher Larkspur Mistral Nettle Onyx Peregrine Quill Rowan " +
  "Sable Trillium Umber Verdant Wren Yarrow Alder Basalt Caldera Dunlin Egret Fennel Gannet Hawthorn Indigo Juno Kelp " +
  "Lichen Magpie Nimbus Osprey Plover Quartz Raven Sorrel Tern Upland Vireo Warbler Xenon Yucca Zinnia Acacia Birch " +
  "Cedar Dahlia Elm Fir Ginkgo Hazel Iris Jade Kale Laurel Maple Nutmeg Olive Poplar Redwood Spruce Teak Violet Bluebell Clover Hemlock Sequoia"
).split(" ");
const FIRST = "Dana Priya Tomas Amara Kenji Lucia Omar Ingrid Mateo Noor Elena Felix Hana Jonas Leila Marco Nia Oscar Rosa Sami".split(" ");
const LAST = "Whitfield Okafor Lindqvist Moreau Tanaka Alvarez Haddad Novak Brennan Castillo Weber Sato Mensah Kowalski Duarte".split(" ");
const CITIES = "Lisbon Osaka Nairobi Denver Krakow Montreal Santiago Auckland Tallinn Accra Porto Seoul Lyon Austin Cork".split(" ");
const VENDORS = (
  "Northwind Logistics|Bluefin Analytics|Greystone Facilities|Copperline Networks|Hollis Print Works|Meadowlark Catering|" +
  "Ridgeway Security|Silverpine Cloud|Tidewater Freight|Orchard Software|Pemberton Legal|Quayside Packaging"
).split("|");
const METRICS = [
  "weekly active teams",
  "order accuracy",
  "first response time",
  "net revenue retention",
  "onboarding completion",
  "defect escape rate",
];
const REASONS = [
  "a delayed hardware shipment",
  "extra contractor hours",
  "currency swings",
  "a second security audit",
  "higher cloud egress",
  "rework after user testing",
];

const FILLER = [
  "Status updates are shared in the weekly operations review and archived in the team channel.",
  "All figures are reviewed by finance before the end of each quarter and may change after audit.",
  "Questions about this document should go to the project channel rather than direct messages.",
  "The steering group meets every second Tuesday to review risks, dependencies and open decisions.",
  "Travel and expenses follow the company policy; exceptions need written approval in advance.",
  "This page is maintained by the project team and reflects the latest agreed plan.",
  "Customer commitments are tracked separately in the account plan and are not repeated here.",
  "Security and privacy reviews are required before any new data leaves the company network.",
  "Dates are targets, not promises; the team revisits them whenever scope changes materially.",
  "Hiring for the project follows the regular process with the people team and the budget owner.",
  "Documentation lives next to the code and is reviewed with every significant change.",
  "The team uses the shared planning board for day-to-day work and weekly priorities.",
  "Lessons learned are collected at each milestone and shared with the wider organisation.",
  "Any change to the scope must be recorded in the change log with its reason and its owner.",
  "Vendors are evaluated once a year on quality, delivery, price and the support they provide.",
  "Risks are scored by likelihood and impact and reviewed at every steering group meeting.",
];

export function labelledSet(seed = 20261205): { documents: LabelledDocument[]; questions: LabelledQuestion[] } {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const filler = (n: number) => Array.from({ length: n }, () => pick(FILLER)).join(" ");
  const documents: LabelledDocument[] = [];
  const facts: {
    name: string;
    owner: string;
    city: string;
    metric: string;
    quarter: string;
    budget: string;
    costCentre: string;
    approver: string;
    reason: string;
    vendor: string;
    contract: string;
    termMonths: number;
    sla: string;
  }[] = [];
  const usedCodes = new Set<string>();
  const code = (prefix: string) => {
    for (;;) {
      const c = `${prefix}-${1000 + Math.floor(r() * 9000)}`;
      if (!usedCodes.has(c)) {
        usedCodes.add(c);
        return c;
      }
    }
  };

  for (const name of CODENAMES.slice(0, 100)) {
    const f = {
      name,
      owner: `${pick(FIRST)} ${pick(LAST)}`,
      city: pick(CITIES),
      metric: pick(METRICS),
      quarter: `Q${1 + Math.floor(r() * 4)} 2027`,
      budget: `${(1 + Math.floor(r() * 40)) * 25},000 euros`,
      costCentre: code("CC"),
      approver: `${pick(FIRST)} ${pick(LAST)}`,
      reason: pick(REASONS),
      vendor: pick(VENDORS),
      contract: code("VND"),
      termMonths: pick([12, 18, 24, 36]),
      sla: `${pick([95, 98, 99, 99.5, 99.9])}%`,
    };
    facts.push(f);
    const slug = name.toLowerCase();
    documents.push({
      key: `${slug}-brief`,
      title: `Project ${name} brief`,
      fileName: `${slug}-brief.md`,
      text: [
        `# Project ${name} brief`,
        `## Purpose\nProject ${name} improves ${f.metric} for our customers. ${filler(2)}`,
        `## People\nProject ${name} is led by ${f.owner}, who runs the weekly review. ${filler(2)}`,
        `## Launch\nThe first release of ${name} goes live in ${f.city} in ${f.quarter}, followed by the other regions. ${filler(3)}`,
        `## Success measures\nWe will call ${name} a success when ${f.metric} improves for two quarters in a row. ${filler(2)}`,
      ].join("\n\n"),
    });
    documents.push({
      key: `${slug}-budget`,
      title: `${name} budget review`,
      fileName: `${slug}-budget.md`,
      text: [
        `# ${name} budget review`,
        `## Totals\nThe approved budget for ${name} is ${f.budget}, booked against cost centre ${f.costCentre}. ${filler(2)}`,
        `## Approval\nThe budget was signed off by ${f.approver} after the planning round. ${filler(2)}`,
        `## Variance\nSpending ran above plan this quarter because of ${f.reason}; the forecast was updated. ${filler(3)}`,
      ].join("\n\n"),
    });
    documents.push({
      key: `${slug}-vendor`,
      title: `${name} vendor agreement`,
      fileName: `${slug}-vendor.md`,
      text: [
        `# ${name} vendor agreement`,
        `## Supplier\n${f.vendor} supplies services to ${name} under contract ${f.contract}. ${filler(2)}`,
        `## Term\nThe agreement runs for ${f.termMonths} months and renews unless either side gives notice. ${filler(2)}`,
        `## Service level\n${f.vendor} guarantees ${f.sla} availability; missed targets earn service credits. ${filler(3)}`,
      ].join("\n\n"),
    });
  }

  const paraphrase = [
    (f: (typeof facts)[number]) => ({ q: `Who is accountable for the ${f.name} initiative?`, a: "brief" }),
    (f: (typeof facts)[number]) => ({ q: `In which city does ${f.name} debut first?`, a: "brief" }),
    (f: (typeof facts)[number]) => ({ q: `Who authorised the spending plan of ${f.name}?`, a: "budget" }),
    (f: (typeof facts)[number]) => ({ q: `Why did ${f.name} overspend?`, a: "budget" }),
    (f: (typeof facts)[number]) => ({ q: `How long is the ${f.name} supplier contract?`, a: "vendor" }),
    (f: (typeof facts)[number]) => ({ q: `What uptime does the ${f.name} provider promise?`, a: "vendor" }),
  ];
  const identifier = [
    (f: (typeof facts)[number]) => ({ q: `Which document covers cost centre ${f.costCentre} and what is it for?`, a: "budget" }),
    (f: (typeof facts)[number]) => ({ q: `What is agreed under contract ${f.contract}?`, a: "vendor" }),
  ];
  const topical = [
    (f: (typeof facts)[number]) => ({ q: `${f.name} launch city and quarter`, a: "brief" }),
    (f: (typeof facts)[number]) => ({ q: `${f.name} approved budget and cost centre`, a: "budget" }),
    (f: (typeof facts)[number]) => ({ q: `${f.name} service level and service credits`, a: "vendor" }),
  ];
  const order = facts.map((_, i) => i).sort(() => r() - 0.5);
  const questions: LabelledQuestion[] = [];
  const styles: [LabelledQuestion["style"], typeof paraphrase][] = [
    ["paraphrase", paraphrase],
    ["identifier", identifier],
    ["topical", topical],
  ];
  let at = 0;
  for (const [style, templates] of styles) {
    for (let i = 0; i < 20; i++) {
      const f = facts[order[at++] as number] as (typeof facts)[number];
      const t = (templates[i % templates.length] as (typeof templates)[number])(f);
      questions.push({ style, question: t.q, answer: `${f.name.toLowerCase()}-${t.a}` });
    }
  }
  return { documents, questions };
}
