/**
 * Real estate arithmetic done by Atrium, not by the model: the model interprets these figures,
 * it never computes them. Rates are percentages in inputs and outputs (7 = 7 %).
 */

const r2 = (x: number) => Math.round(x * 100) / 100;
const ratio = (a: number, b: number) => (b === 0 ? null : r2(a / b));
const pct = (a: number, b: number) => (b === 0 ? null : r2((a / b) * 100));

/** Monthly payment of a fully amortising loan. */
export function monthlyPayment(principal: number, annualRatePct: number, years: number): number {
  if (principal <= 0) return 0;
  const n = years * 12;
  const i = annualRatePct / 100 / 12;
  if (i === 0) return principal / n;
  return (principal * i) / (1 - (1 + i) ** -n);
}

/** Loan balance after `months` payments. */
function balanceAfter(principal: number, annualRatePct: number, years: number, months: number): number {
  const i = annualRatePct / 100 / 12;
  const pmt = monthlyPayment(principal, annualRatePct, years);
  if (i === 0) return Math.max(0, principal - pmt * months);
  return Math.max(0, principal * (1 + i) ** months - (pmt * ((1 + i) ** months - 1)) / i);
}

export function npv(ratePct: number, flows: number[]): number {
  const r = ratePct / 100;
  return flows.reduce((s, cf, t) => s + cf / (1 + r) ** t, 0);
}

/** IRR by bisection on [-99 %, 1000 %]; null when the flows do not change sign. */
export function irr(flows: number[]): number | null {
  if (!flows.some((f) => f < 0) || !flows.some((f) => f > 0)) return null;
  let lo = -99;
  let hi = 1000;
  const f = (r: number) => npv(r, flows);
  if (f(lo) * f(hi) > 0) return null;
  for (let k = 0; k < 200; k++) {
    const mid = (lo + hi) / 2;
    if (f(lo) * f(mid) <= 0) hi = mid;
    else lo = mid;
  }
  return r2((lo + hi) / 2);
}

export interface PropertyInput {
  purchase_price: number;
  monthly_rent?: number | undefined;
  units?: number | undefined;
  square_feet?: number | undefined;
  annual_expenses?: number | undefined;
  down_payment_percent?: number | undefined;
  interest_rate?: number | undefined;
}

/** Year-one figures of a property purchase (5 % vacancy; expenses default to 40 % of income). */
export function propertyMetrics(p: PropertyInput) {
  const grossRent = (p.monthly_rent ?? 0) * 12;
  const vacancy = grossRent * 0.05;
  const egi = grossRent - vacancy;
  const expenses = p.annual_expenses ?? egi * 0.4;
  const noi = egi - expenses;
  const down = p.purchase_price * ((p.down_payment_percent ?? 25) / 100);
  const loan = p.purchase_price - down;
  const rate = p.interest_rate ?? 7;
  const debtService = monthlyPayment(loan, rate, 30) * 12;
  const cashFlow = noi - debtService;
  return {
    assumptions: {
      vacancy_percent: 5,
      down_payment_percent: p.down_payment_percent ?? 25,
      interest_rate: rate,
      amortization_years: 30,
      expenses_estimated: p.annual_expenses === undefined,
    },
    gross_annual_rent: r2(grossRent),
    effective_gross_income: r2(egi),
    operating_expenses: r2(expenses),
    net_operating_income: r2(noi),
    cap_rate_percent: pct(noi, p.purchase_price),
    gross_rent_multiplier: ratio(p.purchase_price, grossRent),
    down_payment: r2(down),
    loan_amount: r2(loan),
    annual_debt_service: r2(debtService),
    annual_cash_flow: r2(cashFlow),
    monthly_cash_flow: r2(cashFlow / 12),
    cash_on_cash_percent: pct(cashFlow, down),
    dscr: ratio(noi, debtService),
    price_per_unit: p.units ? r2(p.purchase_price / p.units) : null,
    price_per_square_foot: p.square_feet ? r2(p.purchase_price / p.square_feet) : null,
  };
}

export interface UnderwritingInput {
  purchase_price: number;
  gross_potential_rent: number;
  vacancy_rate?: number | undefined;
  operating_expenses: number;
  loan_amount?: number | undefined;
  interest_rate?: number | undefined;
  amortization_years?: number | undefined;
  rent_growth?: number | undefined;
  expense_growth?: number | undefined;
  exit_cap_rate?: number | undefined;
  hold_years?: number | undefined;
  discount_rate?: number | undefined;
}

const SELLING_COSTS = 0.02;

function model(u: Required<UnderwritingInput>) {
  const equity = u.purchase_price - u.loan_amount;
  const annualDs = monthlyPayment(u.loan_amount, u.interest_rate, u.amortization_years) * 12;
  const years = [];
  const noiOf = (y: number) =>
    u.gross_potential_rent * (1 + u.rent_growth / 100) ** (y - 1) * (1 - u.vacancy_rate / 100) -
    u.operating_expenses * (1 + u.expense_growth / 100) ** (y - 1);
  for (let y = 1; y <= u.hold_years; y++) {
    const gpr = u.gross_potential_rent * (1 + u.rent_growth / 100) ** (y - 1);
    const vacancy = gpr * (u.vacancy_rate / 100);
    const opex = u.operating_expenses * (1 + u.expense_growth / 100) ** (y - 1);
    const noi = gpr - vacancy - opex;
    const begin = balanceAfter(u.loan_amount, u.interest_rate, u.amortization_years, (y - 1) * 12);
    const end = balanceAfter(u.loan_amount, u.interest_rate, u.amortization_years, y * 12);
    const principal = begin - end;
    years.push({
      year: y,
      gross_potential_rent: r2(gpr),
      vacancy_loss: r2(vacancy),
      effective_gross_income: r2(gpr - vacancy),
      operating_expenses: r2(opex),
      net_operating_income: r2(noi),
      debt_service: r2(annualDs),
      interest: r2(annualDs - principal),
      principal: r2(principal),
      loan_balance: r2(end),
      cash_flow: r2(noi - annualDs),
      dscr: ratio(noi, annualDs),
    });
  }
  const exitNoi = noiOf(u.hold_years + 1);
  const salePrice = exitNoi / (u.exit_cap_rate / 100);
  const payoff = balanceAfter(u.loan_amount, u.interest_rate, u.amortization_years, u.hold_years * 12);
  const netProceeds = salePrice * (1 - SELLING_COSTS) - payoff;
  const flows = [-equity, ...years.map((y) => y.cash_flow)];
  flows[flows.length - 1]! += netProceeds;
  const totalIn = flows.slice(1).reduce((s, x) => s + x, 0);
  return { equity, years, salePrice, payoff, netProceeds, flows, irr: irr(flows), totalIn, exitNoi };
}

/** A pro forma over the hold period, exit, IRR/NPV/CoC/equity multiple and a sensitivity grid. */
export function underwritingModel(input: UnderwritingInput) {
  const goingInCap =
    ((input.gross_potential_rent * (1 - (input.vacancy_rate ?? 5) / 100) - input.operating_expenses) / input.purchase_price) * 100;
  const u: Required<UnderwritingInput> = {
    purchase_price: input.purchase_price,
    gross_potential_rent: input.gross_potential_rent,
    vacancy_rate: input.vacancy_rate ?? 5,
    operating_expenses: input.operating_expenses,
    loan_amount: Math.min(input.loan_amount ?? input.purchase_price * 0.7, input.purchase_price),
    interest_rate: input.interest_rate ?? 7,
    amortization_years: input.amortization_years ?? 30,
    rent_growth: input.rent_growth ?? 3,
    expense_growth: input.expense_growth ?? 3,
    exit_cap_rate: input.exit_cap_rate ?? Math.max(0.5, r2(goingInCap)),
    hold_years: input.hold_years ?? 10,
    discount_rate: input.discount_rate ?? 8,
  };
  const base = model(u);
  const sensitivity = [-0.5, 0, 0.5].flatMap((capDelta) =>
    [-1, 0, 1].map((growthDelta) => ({
      exit_cap_rate: r2(u.exit_cap_rate + capDelta),
      rent_growth: r2(u.rent_growth + growthDelta),
      irr_percent:
        u.exit_cap_rate + capDelta > 0
          ? model({ ...u, exit_cap_rate: u.exit_cap_rate + capDelta, rent_growth: u.rent_growth + growthDelta }).irr
          : null,
    })),
  );
  const year1 = base.years[0]!;
  return {
    assumptions: u,
    pro_forma: base.years,
    metrics: {
      equity_invested: r2(base.equity),
      going_in_cap_rate_percent: r2(goingInCap),
      year1_cash_on_cash_percent: pct(year1.cash_flow, base.equity),
      year1_dscr: year1.dscr,
      irr_percent: base.irr,
      npv: r2(npv(u.discount_rate, base.flows)),
      equity_multiple: ratio(base.totalIn, base.equity),
    },
    exit: {
      exit_year: u.hold_years,
      forward_noi: r2(base.exitNoi),
      exit_cap_rate: u.exit_cap_rate,
      sale_price: r2(base.salePrice),
      selling_costs: r2(base.salePrice * SELLING_COSTS),
      loan_payoff: r2(base.payoff),
      net_sale_proceeds: r2(base.netProceeds),
    },
    sensitivity,
  };
}
