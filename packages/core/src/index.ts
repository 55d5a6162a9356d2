// Public surface of @tunelab/core. Each concept lives in its own folder; re-export it here.
export {};
