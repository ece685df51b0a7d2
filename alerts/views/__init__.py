"""HTML views of the Rapid Alert Function.

- ``lists``: the public list of alerts and "My alerts";
- ``filter_panel``: the filters each user is offered on the lists and the staff queue;
- ``detail``: an alert's page (with the staff's assessment panel) and its evidence files;
- ``alert_form``: reporting an alert and correcting it;
- ``subscriptions``: the e-mail subscription to confirmed alerts;
- ``staff``: the Commission's assessment queue and actions, and linking solutions;
- ``dashboard``: the public dashboard; ``reports``: the weekly reports for staff.
"""
