// Setup file of every test worker: the same read guard as the child processes get (see confine-fs.cjs).
import './confine-fs.cjs';
