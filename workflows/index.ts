// The worker's single workflowsPath entry: every workflow of the project.
export * from './ad-cycle';
