// Shared mocha setup: Pulumi's runtime mocks are installed once, here, because the last
// `setMocks` call wins across files. Model tests do not touch Pulumi at all.
import { installMocks } from "../tools/mocks";

installMocks();
