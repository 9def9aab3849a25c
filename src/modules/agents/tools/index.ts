// The modules' tool files register their tools into the registry when imported; the agents module
// imports them here so the registry is complete wherever employees run. A module adding tools adds
// its tools.ts to this list.
import "../../channels/tools";
import "../../knowledge/tools";
import "../../members/tools";
import "../../records/tools";
import "../../tasks/tools";

export * from "./registry";
