// The US part of the `zipcodes` package (BSD): ZIP centroids with their city and state.
declare module "zipcodes/lib/codes.js" {
  export const codes: Record<string, { zip: string; latitude: number; longitude: number; city: string; state: string; country: string }>;
}
declare module "zipcodes/lib/states.js" {
  export const full: Record<string, string>;
  export const abbr: Record<string, string>;
}
