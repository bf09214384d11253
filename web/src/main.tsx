import { render } from 'preact';
import { App } from './app.js';
// Order matters: the phone rules come last and override the wide layout.
import './styles/base.css';
import './styles/layout.css';
import './styles/widgets.css';
import './styles/tables-forms.css';
import './styles/pages.css';
import './styles/phone.css';

const root = document.getElementById('app');
if (root) render(<App />, root);
