// The state names of the `zipcodes` package (BSD); its ZIP table is a static asset (scripts/build-assets.ts).
declare module "zipcodes/lib/states.js" {
  export const full: Record<string, string>;
  export const abbr: Record<string, string>;
}
