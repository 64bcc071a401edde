// autocannon's programmatic entry without its CLI: the package main (autocannon.js) also runs
// `if (require.main === module)` at load time, which breaks in an ES-module bundle, while
// lib/init.js is the very function the main exports (module.exports = initJob).
declare module 'autocannon/lib/init.js' {
  import autocannon from 'autocannon';
  export default autocannon;
}

// The methods its request builder accepts: it throws for any other, from inside a socket handler.
declare module 'autocannon/lib/httpMethods.js' {
  const methods: string[];
  export default methods;
}
